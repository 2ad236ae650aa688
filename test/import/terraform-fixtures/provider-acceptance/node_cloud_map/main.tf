resource "aws_appmesh_mesh" "test" {
  name = "tf-acc-node-cloud-map"
}

resource "aws_service_discovery_http_namespace" "test" {
  name = "tf-acc-namespace"
}

resource "aws_appmesh_virtual_node" "test" {
  name      = "tf-acc-node"
  mesh_name = aws_appmesh_mesh.test.id

  spec {
    backend {
      virtual_service {
        virtual_service_name = "servicea.simpleapp.local"
      }
    }

    listener {
      port_mapping {
        port     = 8080
        protocol = "http"
      }
    }

    service_discovery {
      aws_cloud_map {
        attributes = {
          serviceName = "serviceb1"
        }

        service_name   = "tf-acc-namespace"
        namespace_name = aws_service_discovery_http_namespace.test.name
      }
    }
  }
}
